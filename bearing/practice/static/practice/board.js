// The priority board, by dragging: dropping an item on a column presses that item's
// own "move" button for the column, so a drag does exactly what the buttons (and the
// keyboard) do. Without this script the buttons do it all.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) return;
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-item]");
    if (!item) return;
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id);
  });
  board.addEventListener("dragend", function () {
    dragged = null;
    board.querySelectorAll(".drop-target").forEach(function (c) {
      c.classList.remove("drop-target");
    });
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest("[data-quadrant]");
    if (!dragged || !column) return;
    if (dragged.querySelector('[data-move="' + column.dataset.quadrant + '"]')) {
      event.preventDefault();
      column.classList.add("drop-target");
    }
  });
  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest("[data-quadrant]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-quadrant]");
    if (!dragged || !column) return;
    var button = dragged.querySelector('[data-move="' + column.dataset.quadrant + '"]');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
