"""The shared NLP pipeline: one spaCy Language with newsgraph's components after the model's own pipes."""

from .model import DEFAULT_MODELS, ModelNotFound, default_model_name, load_pipeline
from .runner import process

__all__ = ["DEFAULT_MODELS", "ModelNotFound", "default_model_name", "load_pipeline", "process"]
