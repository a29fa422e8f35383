// The query page: runs the editor's SPARQL against the endpoint and draws the result table.
// Every value is inserted with textContent, so nothing in the data can become markup.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) { return; }
  var endpoint = form.getAttribute("data-endpoint");
  var entityPage = form.getAttribute("data-entity");
  var text = document.getElementById("query-text");
  var status = document.getElementById("query-status");
  var out = document.getElementById("query-results");

  function downloadLinks() {
    ["csv", "json"].forEach(function (fmt) {
      var params = new URLSearchParams({ query: text.value, format: fmt });
      document.getElementById("download-" + fmt).href = endpoint + "?" + params.toString();
    });
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
      var a = document.createElement("a");
      a.href = entityPage + "?" + new URLSearchParams({ iri: term.value }).toString();
      a.textContent = term.value.replace(/^.*[\/#]/, "") || term.value;
      a.title = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        var tag = document.createElement("span");
        tag.className = "lang";
        tag.textContent = term["xml:lang"];
        td.appendChild(document.createTextNode(" "));
        td.appendChild(tag);
      }
    }
    return td;
  }

  function draw(data) {
    out.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = "Answer: " + (data.boolean ? "yes" : "no");
      out.appendChild(p);
      return 0;
    }
    var vars = data.head.vars;
    var rows = data.results.bindings;
    var table = document.createElement("table");
    table.className = "list";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    out.appendChild(table);
    return rows.length;
  }

  function run() {
    downloadLinks();
    status.textContent = "Running…";
    out.setAttribute("aria-busy", "true");
    var params = new URLSearchParams({ query: text.value });
    fetch(endpoint + "?" + params.toString(), { headers: { Accept: "application/sparql-results+json" } })
      .then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) {
            var message = body;
            try { message = JSON.parse(body).error || body; } catch (e) { /* plain-text error */ }
            throw new Error(message);
          }
          return JSON.parse(body);
        });
      })
      .then(function (data) {
        var n = draw(data);
        status.textContent = n + " row" + (n === 1 ? "" : "s");
      })
      .catch(function (error) {
        out.textContent = "";
        var p = document.createElement("p");
        p.className = "error";
        p.textContent = "The query failed: " + error.message;
        out.appendChild(p);
        status.textContent = "Error";
      })
      .finally(function () { out.removeAttribute("aria-busy"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?" + new URLSearchParams({ query: text.value }).toString());
    run();
  });
  text.addEventListener("input", downloadLinks);
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      text.value = button.getAttribute("data-query");
      run();
    });
  });
  if (new URLSearchParams(window.location.search).has("query")) { run(); }
}());
