/* dangbo picker: pick an organisation or a member by name (type-ahead).
 *
 * Progressive enhancement of <input data-picker="URL"> (one choice) and
 * <textarea data-picker="URL" data-picker-multiple> (several, one a line). Without this
 * script the field works as typed: the server resolves the name, or lists the candidates.
 *
 * ARIA 1.2 combobox with a listbox popup: arrow keys move, Enter picks, Escape closes (a
 * second Escape clears), the mouse picks; the number of matches is announced.
 * URL answers {"count": n, "results": [{value, label, name, detail}]} for ?q=….
 */
(function () {
  "use strict";

  var uid = 0;
  var DELAY = 150;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function countText(n) {
    if (n === 0) return "Không tìm thấy kết quả nào.";
    return n + " kết quả; dùng phím mũi tên lên, xuống để chọn, Enter để lấy.";
  }

  /* The combobox proper: ``input`` types, ``onPick(item)`` receives the choice. */
  function Combobox(input, url, onPick) {
    var id = "picker-" + (++uid);
    var wrap = el("div", { "class": "picker" });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = el("ul", { id: id + "-list", role: "listbox", "class": "picker-list" });
    list.hidden = true;
    var status = el("div", { role: "status", "class": "visually-hidden", "aria-live": "polite" });
    wrap.appendChild(list);
    wrap.appendChild(status);
    if (input.labels && input.labels[0]) {
      if (!input.labels[0].id) input.labels[0].id = id + "-label";
      list.setAttribute("aria-labelledby", input.labels[0].id);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = items[index];
      if (!item) return;
      close();
      lastQuery = null;
      onPick(item);
    }

    function render(data) {
      items = data.results || [];
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = el("li", { id: id + "-opt-" + i, role: "option", "aria-selected": "false" });
        option.appendChild(el("span", { "class": "picker-name" }, item.name));
        if (item.detail) option.appendChild(el("span", { "class": "picker-detail" }, item.detail));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(i); });
        list.appendChild(option);
      });
      status.textContent = countText(items.length);
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function search() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (controller) controller.abort();
      if (q.length < 2) { items = []; close(); status.textContent = ""; return; }
      controller = window.AbortController ? new AbortController() : null;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(render)
        .catch(function () { /* aborted or offline: the field still works as typed */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) { lastQuery = null; search(); return; }
          highlight(active + 1 >= items.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          if (!open) return;
          event.preventDefault();
          highlight(active <= 0 ? items.length - 1 : active - 1);
          break;
        case "Enter":
          if (open && active >= 0) { event.preventDefault(); pick(active); }
          break;
        case "Escape":
          if (open) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; input.dispatchEvent(new Event("input")); }
          break;
        case "Tab":
          close();
          break;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    return { wrap: wrap, status: status };
  }

  /* One choice: the visible input shows the name, a hidden input carries the value. */
  function single(input) {
    var hidden = el("input", { type: "hidden", name: input.name });
    hidden.value = input.value;
    input.removeAttribute("name");
    input.form && input.form.addEventListener("submit", function () {
      if (!hidden.dataset.picked) hidden.value = input.value;
    });
    input.addEventListener("input", function () {
      delete hidden.dataset.picked;
      hidden.value = input.value;
    });
    var box = Combobox(input, input.dataset.picker, function (item) {
      input.value = item.label;
      hidden.value = item.value;
      hidden.dataset.picked = "1";
      box.status.textContent = "Đã chọn " + item.label + ".";
    });
    box.wrap.appendChild(hidden);
  }

  /* Several: the textarea keeps one line per person (hidden); a list shows them, each with
     a remove button, and a combobox adds more. */
  function multiple(area) {
    var input = el("input", { type: "text", "class": "picker-input" });
    input.id = area.id;
    area.id = area.id + "-lines";
    area.hidden = true;
    var chosen = el("ul", { "class": "picker-chosen", "aria-label": "Đã chọn" });
    area.parentNode.insertBefore(chosen, area);
    area.parentNode.insertBefore(input, area);
    if (area.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", area.getAttribute("aria-describedby"));

    function lines() {
      return area.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    }
    function shown(line) { return line.replace(/\s*#\s*\d+\s*$/, ""); }
    function draw() {
      chosen.textContent = "";
      lines().forEach(function (line, i) {
        var li = el("li", {}, shown(line) + " ");
        var remove = el("button", { type: "button", "class": "link-button", "aria-label": "Bỏ " + shown(line) }, "×");
        remove.addEventListener("click", function () {
          var all = lines();
          all.splice(i, 1);
          area.value = all.join("\n");
          draw();
          input.focus();
        });
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }
    input.form && input.form.addEventListener("submit", function () {
      // A name typed but not picked is sent as typed: the server resolves it or says why not.
      if (input.value.trim()) area.value = lines().concat([input.value.trim()]).join("\n");
    });
    var box = Combobox(input, area.dataset.picker, function (item) {
      var all = lines();
      if (all.indexOf(item.value) < 0) all.push(item.value);
      area.value = all.join("\n");
      input.value = "";
      draw();
      box.status.textContent = "Đã thêm " + item.label + ".";
    });
    draw();
  }

  function init(root) {
    root.querySelectorAll("[data-picker]").forEach(function (node) {
      if (node.dataset.pickerReady) return;
      node.dataset.pickerReady = "1";
      if (node.hasAttribute("data-picker-multiple")) multiple(node);
      else single(node);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
