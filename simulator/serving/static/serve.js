// The what-if page's script (mlasim serve): reads the controls, keeps the what-if in the address,
// and shows the answer the server streams (server-sent events). Plain JavaScript, no library: every
// fragment it shows was escaped on the server.
"use strict";

(function () {
  const form = document.getElementById("controls");
  const tab = sessionStorage.getItem("mlasim-tab") || newTab();
  let stream = null;

  function newTab() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    const id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("mlasim-tab", id);
    return id;
  }

  // A control's value, written as a scenario file writes it (a TOML literal, a word left bare).
  function valueOf(element) {
    const kind = element.dataset.kind;
    if (kind === "flag") return element.checked;
    if (kind === "choice") return element.value;
    if (kind === "names") {
      return Array.from(element.querySelectorAll("input:checked"), (box) => box.value).sort();
    }
    const number = Number(element.value);
    return element.value === "" || Number.isNaN(number) ? element.value : number;
  }

  function literal(value) {
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    if (Array.isArray(value)) return "[" + value.map((v) => JSON.stringify(v)).join(",") + "]";
    return String(value);
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // The address of the what-if: every control that differs from the scenario as loaded, and the
  // changes the address brought that no control shows.
  function query() {
    const params = new URLSearchParams();
    for (const element of form.querySelectorAll("[data-key]")) {
      const value = valueOf(element);
      const base = JSON.parse(element.dataset.base);
      element.closest(".control").classList.toggle("changed", !same(value, base));
      const range = element.closest(".control").querySelector(".range[data-low]");
      if (range) {
        const low = Number(range.dataset.low), high = Number(range.dataset.high);
        range.classList.toggle("outside", typeof value === "number" && (value < low || value > high));
      }
      if (!same(value, base)) params.append(element.dataset.key, literal(value));
    }
    for (const item of document.querySelectorAll("[data-extra-key]")) {
      params.append(item.dataset.extraKey, item.dataset.extraValue);
    }
    return params;
  }

  function show(data) {
    const message = document.getElementById("message");
    message.textContent = data.message || "";
    for (const [id, fragment] of Object.entries(data.html || {})) {
      const element = document.getElementById(id);
      if (element) element.innerHTML = fragment;
    }
    document.body.dataset.state = data.state || "";
    document.body.dataset.replications = String(data.replications || 0);
  }

  function ask(params) {
    if (stream) stream.close();
    const search = params.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
    document.getElementById("download-scenario").href = "/scenario.toml" + (search ? "?" + search : "");
    document.getElementById("report-link").innerHTML = "";
    const asked = new URLSearchParams(params);
    asked.set("_tab", tab);
    stream = new EventSource("/answer?" + asked.toString());
    stream.onmessage = (event) => show(JSON.parse(event.data));
    stream.addEventListener("end", () => {
      stream.close();
      stream = null;
    });
    stream.onerror = () => {
      if (stream) stream.close();
      stream = null;
    };
  }

  function changed(event) {
    const target = event.target;
    if (target.classList.contains("slider")) {
      document.getElementById(target.dataset.for).value = target.value;
    } else if (target.type === "number") {
      const slider = form.querySelector(`.slider[data-for="${target.id}"]`);
      if (slider) slider.value = target.value;
    }
    const names = target.closest("details[data-kind='names']");
    if (names) {
      names.querySelector("summary").textContent =
        `${names.querySelectorAll("input:checked").length} of ${names.querySelectorAll("input").length}`;
    }
    ask(query());
  }

  form.addEventListener("change", changed);
  document.getElementById("reset").addEventListener("click", () => {
    for (const item of document.querySelectorAll("[data-extra-key]")) item.remove();
    const extra = document.getElementById("extra");
    if (extra) extra.remove();
    location.assign(location.pathname);
  });
  if (!document.getElementById("message").textContent) ask(query());
})();
