// Characters left in fields with a length limit (the form's hint already says the limit, so
// this only adds a live count). Screen readers hear the count once typing pauses, not per key.
(function () {
  "use strict";
  document.querySelectorAll("p.counter[data-for]").forEach(function (counter) {
    var input = document.getElementById(counter.dataset.for);
    var limit = input && Number(input.getAttribute("maxlength"));
    if (!limit) { return; }
    var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("role", "status");
    counter.after(spoken);
    var pause;
    function left() {
      return counter.dataset.left.replace("__N__", numbers.format(limit - input.value.length));
    }
    function show() {
      counter.textContent = left();
      counter.classList.toggle("is-near", limit - input.value.length <= limit / 10);
    }
    counter.setAttribute("aria-hidden", "true");
    show();
    counter.hidden = false;
    input.addEventListener("input", function () {
      show();
      clearTimeout(pause);
      pause = setTimeout(function () { spoken.textContent = left(); }, 1000);
    });
  });
})();
