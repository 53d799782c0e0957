"""Files on any filesystem Spark reads, from the driver: a thin wrapper over Hadoop's ``FileSystem`` API.

The driver lists inputs, writes the job's manifest and commit markers, and moves finished files into place
through the same Hadoop ``FileSystem`` Spark itself uses, so ``file:``, ``hdfs://``, ``s3a://``, ``gs://`` or
``abfs://`` paths all work once the cluster has the connector (nothing here knows a scheme). Paths are strings:
fully qualified URIs after :meth:`HadoopFS.qualify` (``file:/data/x.warc.gz``, ``s3a://bucket/key``).

Only the driver uses this module (it needs the JVM); executors read local files directly or receive bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Characters that make a path a glob pattern for Hadoop's ``globStatus``.
GLOB_CHARS = frozenset("*?[{")


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A file (or folder) as the filesystem lists it: its qualified URI, name, size and kind."""

    uri: str
    name: str
    size: int
    is_dir: bool


class HadoopFS:
    """Hadoop filesystem operations for one SparkSession (each path finds its own filesystem by scheme)."""

    def __init__(self, spark):
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    # -- paths -----------------------------------------------------------------------------------------------------

    def _path(self, uri: str):
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def _fs(self, path):
        return path.getFileSystem(self._conf)

    def qualify(self, uri: str) -> str:
        """The fully qualified URI of a path (a relative or scheme-less path resolves against the default
        filesystem, ``fs.defaultFS``: the local one in local mode, usually HDFS on a cluster)."""
        path = self._path(uri)
        return self._fs(path).makeQualified(path).toString()

    @staticmethod
    def join(parent: str, *names: str) -> str:
        return "/".join([parent.rstrip("/"), *names])

    @staticmethod
    def local_path(uri: str) -> str | None:
        """The local filesystem path of a ``file:`` URI (None for any other scheme)."""
        if not uri.startswith("file:"):
            return None
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(uri).path)

    # -- reading -----------------------------------------------------------------------------------------------------

    def _info(self, status) -> FileInfo:
        path = status.getPath()
        return FileInfo(path.toString(), path.getName(), int(status.getLen()), bool(status.isDirectory()))

    def stat(self, uri: str) -> FileInfo | None:
        """The file or folder at ``uri``, or None when there is none."""
        path = self._path(uri)
        fs = self._fs(path)
        if not fs.exists(path):
            return None
        return self._info(fs.getFileStatus(path))

    def exists(self, uri: str) -> bool:
        path = self._path(uri)
        return bool(self._fs(path).exists(path))

    def glob(self, pattern: str) -> list[FileInfo]:
        """What a glob pattern matches, sorted by URI (empty when nothing does)."""
        path = self._path(pattern)
        found = self._fs(path).globStatus(path)
        return sorted((self._info(s) for s in (found or [])), key=lambda f: f.uri)

    def list(self, uri: str) -> list[FileInfo]:
        """The entries of a folder, sorted by name."""
        path = self._path(uri)
        return sorted((self._info(s) for s in self._fs(path).listStatus(path)), key=lambda f: f.name)

    def read_text(self, uri: str) -> str:
        """A small file's whole content, decoded as UTF-8."""
        path = self._path(uri)
        stream = self._fs(path).open(path)
        try:
            return bytes(stream.readAllBytes()).decode("utf-8")
        finally:
            stream.close()

    # -- writing -----------------------------------------------------------------------------------------------------

    def mkdirs(self, uri: str) -> None:
        path = self._path(uri)
        self._fs(path).mkdirs(path)

    def write_text(self, uri: str, text: str) -> None:
        """Write a small file in one piece: to a temporary name first, then renamed into place, so a reader
        (or a rerun after a kill) sees the whole file or none of it."""
        tmp = self._path(uri + ".tmp")
        fs = self._fs(tmp)
        stream = fs.create(tmp, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()
        target = self._path(uri)
        if fs.exists(target):
            fs.delete(target, False)
        if not fs.rename(tmp, target):
            raise OSError(f"cannot rename {tmp.toString()} to {uri}")

    def rename(self, src: str, dst: str) -> None:
        """Move a file, creating the target's folder; an OSError when the filesystem refuses."""
        source, target = self._path(src), self._path(dst)
        fs = self._fs(source)
        fs.mkdirs(target.getParent())
        if not fs.rename(source, target):
            raise OSError(f"cannot move {src} to {dst}")

    def delete(self, uri: str, recursive: bool = True) -> None:
        """Delete a file or folder (nothing when it is not there)."""
        path = self._path(uri)
        fs = self._fs(path)
        if fs.exists(path):
            fs.delete(path, recursive)
