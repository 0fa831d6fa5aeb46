// The question editor, improved when scripts run: show only the inputs of the chosen type
// (options for single/multiple, the true/false answer otherwise). Without it, both are shown.
(function () {
  "use strict";
  var type = document.getElementById("type");
  var options = document.getElementById("options-box");
  var answer = document.getElementById("answer-box");
  if (!type || !options || !answer) return;
  function show() {
    var tf = type.value === "true_false";
    options.hidden = tf;
    answer.hidden = !tf;
  }
  type.addEventListener("change", show);
  show();
})();
