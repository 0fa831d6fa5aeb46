// Paper score entry: a box of a single-answer question moves on to the next box once it holds
// one valid letter, so a 20-question paper is 20 key presses and Enter. Letters are upper-cased
// as typed. Without this script the form works the same with Tab between the boxes.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".paper-grid input[data-letters]"));
  boxes.forEach(function (box, index) {
    box.addEventListener("input", function () {
      var value = box.value.toUpperCase();
      if (value !== box.value) box.value = value;
      var allowed = box.getAttribute("data-letters");
      if (box.hasAttribute("data-single") && value.length === 1 && allowed.indexOf(value) >= 0) {
        var next = boxes[index + 1];
        if (next) { next.focus(); next.select(); }
        else { box.form.querySelector("button[type=submit]").focus(); }
      }
    });
  });
})();
