// newsgraph web UI: highlight toggles and hover/focus tips on the article page. Pages work without it.
(function () {
  "use strict";
  document.querySelectorAll("fieldset.legend input[data-kind]").forEach(function (box) {
    var apply = function () { document.body.classList.toggle("hide-" + box.dataset.kind, !box.checked); };
    box.addEventListener("change", apply);
    apply();
  });
  var text = document.getElementById("article-text");
  if (!text) { return; }
  var tip = document.createElement("div");
  tip.className = "tip";
  tip.setAttribute("role", "tooltip");
  tip.id = "hl-tip";
  tip.hidden = true;
  document.body.appendChild(tip);
  function show(el) {
    var label = el.getAttribute("data-tip");
    if (!label) { return; }
    tip.textContent = label;  // text, never markup
    var box = el.getBoundingClientRect();
    tip.style.left = Math.max(4, window.scrollX + box.left) + "px";
    tip.style.top = (window.scrollY + box.bottom + 6) + "px";
    tip.hidden = false;
    el.setAttribute("aria-describedby", "hl-tip");
  }
  function hide() { tip.hidden = true; }
  text.querySelectorAll(".hl").forEach(function (el) {
    if (el.hasAttribute("title")) {  // the tip replaces the browser's own, which would show twice
      el.removeAttribute("title");
    }
    if (el.tagName !== "A" && el.matches(".hl-event, .hl-place, .hl-date")) { el.tabIndex = 0; }
    el.addEventListener("mouseenter", function () { show(el); });
    el.addEventListener("focus", function () { show(el); });
    el.addEventListener("mouseleave", hide);
    el.addEventListener("blur", hide);
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hide(); } });
}());
