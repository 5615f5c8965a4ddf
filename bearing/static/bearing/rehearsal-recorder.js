// Recording a rehearsal in the browser: the microphone is asked for only when the leader
// presses Start; a level meter and a timer run while recording; the leader listens back,
// then discards it or sends it to be transcribed on the server. No inline script: the
// page's Content Security Policy stays strict.
(function () {
  "use strict";
  var root = document.querySelector("[data-recorder]");
  if (!root) return;
  var unsupported = document.querySelector("[data-recorder-unsupported]");
  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder)) {
    if (unsupported) unsupported.hidden = false;
    return;
  }
  root.hidden = false;

  var startButton = root.querySelector("[data-record-start]");
  var stopButton = root.querySelector("[data-record-stop]");
  var level = root.querySelector("[data-record-level]");
  var timer = root.querySelector("[data-record-timer]");
  var statusLine = root.querySelector("[data-record-status]");
  var review = root.querySelector("[data-record-review]");
  var playback = root.querySelector("[data-record-playback]");
  var form = root.querySelector("[data-record-form]");
  var discardButton = root.querySelector("[data-record-discard]");
  var sendButton = root.querySelector("[data-record-send]");
  var maxSeconds = parseInt(root.getAttribute("data-max-seconds"), 10) || 1800;
  var uploadUrl = root.getAttribute("data-upload-url");

  var recorder = null, stream = null, chunks = [], blob = null, started = 0;
  var tick = null, audioContext = null, analyser = null, frame = null, playbackUrl = null;

  function say(text) { statusLine.textContent = text; }

  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function pickType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return "";
  }

  function meter() {
    var data = new Uint8Array(analyser.fftSize);
    function draw() {
      analyser.getByteTimeDomainData(data);
      var sum = 0;
      for (var i = 0; i < data.length; i++) {
        var v = (data[i] - 128) / 128;
        sum += v * v;
      }
      level.value = Math.min(1, Math.sqrt(sum / data.length) * 4);
      frame = requestAnimationFrame(draw);
    }
    draw();
  }

  function stopEverything() {
    if (tick) clearInterval(tick);
    if (frame) cancelAnimationFrame(frame);
    tick = frame = null;
    level.value = 0;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (audioContext) audioContext.close();
    stream = audioContext = analyser = null;
  }

  function clearRecording() {
    if (playbackUrl) URL.revokeObjectURL(playbackUrl);
    playbackUrl = null;
    blob = null;
    playback.removeAttribute("src");
    review.hidden = true;
  }

  startButton.addEventListener("click", function () {
    clearRecording();
    say("Asking your browser for the microphone…");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
      stream = s;
      chunks = [];
      var type = pickType();
      recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
      recorder.addEventListener("stop", function () {
        stopEverything();
        blob = new Blob(chunks, { type: recorder.mimeType || type || "audio/webm" });
        playbackUrl = URL.createObjectURL(blob);
        playback.src = playbackUrl;
        review.hidden = false;
        startButton.disabled = false;
        stopButton.disabled = true;
        say("Recorded " + clock((Date.now() - started) / 1000) + ". Listen back, then use it or discard it.");
      });
      try {
        audioContext = new (window.AudioContext || window.webkitAudioContext)();
        analyser = audioContext.createAnalyser();
        analyser.fftSize = 1024;
        audioContext.createMediaStreamSource(stream).connect(analyser);
        meter();
      } catch (err) { /* the meter is a help, not a need */ }
      recorder.start(1000);
      started = Date.now();
      timer.textContent = "0:00";
      tick = setInterval(function () {
        var seconds = (Date.now() - started) / 1000;
        timer.textContent = clock(seconds);
        if (seconds >= maxSeconds && recorder.state === "recording") recorder.stop();
      }, 250);
      startButton.disabled = true;
      stopButton.disabled = false;
      stopButton.focus();
      say("Recording. Press Stop when you have finished.");
    }).catch(function (err) {
      stopEverything();
      var denied = err && (err.name === "NotAllowedError" || err.name === "SecurityError");
      say(denied
        ? "Bearing may not use your microphone: permission was not given. You can allow it in your browser's settings for this site, or upload an audio file instead."
        : "No microphone could be used (" + (err && err.name ? err.name : "unknown") + "). You can upload an audio file instead.");
    });
  });

  stopButton.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") recorder.stop();
  });

  discardButton.addEventListener("click", function () {
    clearRecording();
    timer.textContent = "0:00";
    say("Discarded. Nothing was sent.");
    startButton.focus();
  });

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!blob) return;
    var data = new FormData();
    var ext = blob.type.indexOf("ogg") >= 0 ? "ogg" : blob.type.indexOf("mp4") >= 0 ? "m4a" : "webm";
    data.append("audio", blob, "recording." + ext);
    data.append("recorded", "on");
    if (form.querySelector("[name=keep_audio]").checked) data.append("keep_audio", "on");
    sendButton.disabled = true;
    say("Sending the recording…");
    fetch(uploadUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.ok && response.redirected) {
        window.location.assign(response.url);
        return;
      }
      sendButton.disabled = false;
      if (response.status === 413) {
        say("The recording is too large to send. Try a shorter one.");
        return;
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var error = page.querySelector("#id_audio_error, .error-summary li");
        say(error ? error.textContent.trim() : "The recording could not be sent. Please try again.");
      });
    }).catch(function () {
      sendButton.disabled = false;
      say("The recording could not be sent: the connection failed. It is still here; try again.");
    });
  });
})();
