// Progressive enhancement of the questionnaire; every page works without
// it. It keeps the progress line current as answers are given and saves
// the draft in the background a few seconds after the last change, with
// the version the page was read at (a newer version saved elsewhere is
// reported, never overwritten: the form keeps what was typed).
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }
  var status = document.getElementById("status");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var template = progressText ? progressText.textContent : "";
  var timer = null;
  var saving = false;

  function answered(fs) {
    var state = fs.querySelector("select[name^='s.']");
    if (state && state.value) { return true; }
    var checked = fs.querySelector("input[type=radio][name^='v.']:checked");
    if (checked) { return true; }
    var input = fs.querySelector("input[name^='v.']:not([type=radio])");
    return !!(input && input.value.trim());
  }

  function updateProgress() {
    if (!progress) { return; }
    var n = 0;
    var all = form.querySelectorAll("fieldset.question");
    all.forEach(function (fs) { if (answered(fs)) { n++; } });
    progress.value = n;
    // The text keeps its language: replace the first number only.
    progressText.textContent = template.replace(/\d+/, String(n));
  }

  function say(msg) {
    status.textContent = "";
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = msg;
    status.appendChild(p);
  }

  function autosave() {
    if (saving) { return; }
    saving = true;
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "save");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" }
    }).then(function (res) {
      if (res.status === 204) {
        var etag = (res.headers.get("ETag") || "").replace(/"/g, "");
        if (etag) { form.elements.version.value = etag; }
        say(form.dataset.autosave);
      } else if (res.status === 409) {
        say(form.dataset.conflict);
      }
    }).catch(function () { /* offline: the Save button still works */ })
      .finally(function () { saving = false; });
  }

  form.addEventListener("input", function () {
    updateProgress();
    clearTimeout(timer);
    timer = setTimeout(autosave, 5000);
  });
  form.addEventListener("submit", function () { clearTimeout(timer); });
})();
