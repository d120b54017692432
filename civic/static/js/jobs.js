// Progress bars for background jobs: poll the job's JSON status and reload the page when it ends.
(function () {
  "use strict";
  document.querySelectorAll(".job[data-job-url]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var message = box.querySelector(".job-message");
    function poll() {
      fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          bar.value = Math.round(job.progress * 100);
          bar.textContent = bar.value + "%";
          if (message && job.message) { message.textContent = job.message; }
          if (job.status === "done" || job.status === "failed") { window.location.reload(); }
          else { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
