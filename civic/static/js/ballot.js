// Ballot builder: keeps the remaining-budget bar in step with the checkboxes and saves each
// change at once (the form still works without this script: "Save my selection" posts it all).
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var bar = document.getElementById("ballot-bar");
  if (!form || !bar) { return; }
  var method = bar.dataset.method;
  var amount = Number(bar.dataset.amount);
  var max = bar.dataset.max ? Number(bar.dataset.max) : null;
  var points = bar.dataset.points ? Number(bar.dataset.points) : null;
  var meter = document.getElementById("ballot-meter");
  var over = bar.querySelector("[data-over]");
  var live = document.createElement("p");
  live.className = "ballot-live";
  live.setAttribute("role", "alert");
  bar.appendChild(live);
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function money(value) {
    return bar.dataset.money.replace(/0([.,]00)?/, numbers.format(value));
  }

  function update() {
    if (method === "knapsack") {
      var total = 0;
      form.querySelectorAll("input[name=project]:checked").forEach(function (box) {
        total += Number(box.dataset.cost);
      });
      meter.value = Math.min(total, amount);
      bar.querySelector("[data-remaining]").textContent = money(amount - total);
      bar.querySelector("[data-spent]").textContent =
        bar.dataset.spentTemplate.replace("__X__", money(total));
      over.textContent = bar.dataset.overTemplate.replace("__X__", money(total - amount));
      over.hidden = total <= amount;
      bar.classList.toggle("is-over", total > amount);
    } else if (method === "approval") {
      var count = form.querySelectorAll("input[name=project]:checked").length;
      meter.value = count;
      bar.querySelector("[data-count]").textContent = count;
      over.hidden = max === null || count <= max;
      bar.classList.toggle("is-over", !over.hidden);
    } else {
      var used = 0;
      form.querySelectorAll("input[data-points]").forEach(function (input) {
        used += Math.max(0, parseInt(input.value, 10) || 0);
      });
      meter.value = Math.min(used, points || 0);
      bar.querySelector("[data-used]").textContent = used;
      over.hidden = used <= (points || 0);
      bar.classList.toggle("is-over", !over.hidden);
    }
  }

  function save(box) {
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("project", box.value);
    var url = form.dataset.add.replace(/add$/, box.checked ? "add" : "remove");
    fetch(url, {method: "POST", body: body, credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) { live.textContent = data.ok ? "" : data.error; })
      .catch(function () { live.textContent = ""; });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "project") {
      target.closest(".project").classList.toggle("chosen", target.checked);
      update();
      save(target);
    }
  });
  form.addEventListener("input", function (event) {
    if (event.target.dataset.points !== undefined) { update(); }
  });
  update();
}());
