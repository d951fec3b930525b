// Big photos are made smaller in the browser before the upload (issue 13): a phone's 12 MB photo becomes
// a JPEG of at most data-shrink-side pixels a side, drawn on a canvas, so it is neither refused nor slow
// to send. The server still re-encodes every photo and strips its EXIF (app/uploads.py). A file the
// browser cannot draw (HEIC outside Safari, say) is sent as it is and the server decides.
(function () {
  "use strict";

  var resent = new WeakSet();  // the change events this script sends after shrinking, not to be caught again

  function shrinkable(file, side) {
    return file.type.indexOf("image/") === 0 && file.type !== "image/gif" && side > 0;
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return Promise.reject(new Error("no createImageBitmap"));
  }

  function shrink(file, side) {
    return decode(file).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size <= Number(side) * Number(side)) { bitmap.close(); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.88);
      });
    }).catch(function () { return file; });
  }

  // Capture phase: runs before app.js's size check (a bubbling listener on document), which then sees
  // the shrunk files in the change event sent again below.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (resent.has(event) || !input.matches || !input.matches("input[type=file][data-shrink-side]")) return;
    var side = Number(input.getAttribute("data-shrink-side"));
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.some(function (file) { return shrinkable(file, side); })) return;
    event.stopImmediatePropagation();
    input.setAttribute("aria-busy", "true");
    Promise.all(files.map(function (file) { return shrinkable(file, side) ? shrink(file, side) : file; }))
      .then(function (shrunk) {
        var transfer = new DataTransfer();
        shrunk.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
        input.removeAttribute("aria-busy");
        var again = new Event("change", { bubbles: true });
        resent.add(again);
        input.dispatchEvent(again);
      });
  }, true);
})();
