// The live topic page: plain JavaScript against the proxy mounted at ./kafka.
(function () {
  'use strict';
  var API = 'kafka';
  var V2 = 'application/vnd.kafka.v2+json';
  var BINARY = 'application/vnd.kafka.binary.v2+json';
  var MAX_ROWS = 500;
  var source = null;
  var chosen = null;

  function $(id) { return document.getElementById(id); }

  function toBase64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = '';
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary);
  }

  function fromBase64(data) {
    if (data === null || data === undefined) { return ''; }
    var binary = atob(data);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new TextDecoder().decode(bytes);
  }

  function loadTopics() {
    fetch(API + '/topics', { headers: { Accept: V2 } })
      .then(function (r) { return r.json(); })
      .then(function (topics) {
        var list = $('topics');
        list.textContent = '';
        topics.forEach(function (name) {
          var item = document.createElement('li');
          item.textContent = name;
          item.dataset.topic = name;
          if (name === chosen) { item.className = 'chosen'; }
          item.addEventListener('click', function () { choose(name); });
          list.appendChild(item);
        });
      });
  }

  function choose(topic) {
    if (source) { source.close(); }
    chosen = topic;
    location.hash = 'topic=' + encodeURIComponent(topic);
    $('topic-name').textContent = topic;
    $('records').textContent = '';
    Array.prototype.forEach.call($('topics').children, function (li) {
      li.className = li.dataset.topic === topic ? 'chosen' : '';
    });
    setStatus('connecting', false);
    // EventSource reconnects by itself and sends Last-Event-ID, so the page resumes where it was.
    source = new EventSource(API + '/topics/' + encodeURIComponent(topic) + '/events?format=binary&start=latest');
    source.onopen = function () { setStatus('live', true); };
    source.onerror = function () { setStatus('reconnecting', false); };
    source.onmessage = function (event) { show(JSON.parse(event.data)); };
    source.addEventListener('record-error', function (event) {
      var e = JSON.parse(event.data);
      addRow([e.partition, e.offset, '', '', 'cannot decode: ' + e.message]);
    });
  }

  function setStatus(text, live) {
    var status = $('status');
    status.textContent = text;
    status.className = live ? 'live' : '';
  }

  function show(record) {
    addRow([record.partition, record.offset, new Date(record.timestamp).toISOString(),
      fromBase64(record.key), fromBase64(record.value)]);
  }

  function addRow(cells) {
    var row = document.createElement('tr');
    cells.forEach(function (text) {
      var cell = document.createElement('td');
      cell.textContent = String(text);
      row.appendChild(cell);
    });
    var body = $('records');
    body.insertBefore(row, body.firstChild);
    while (body.children.length > MAX_ROWS) { body.removeChild(body.lastChild); }
  }

  function produce(event) {
    event.preventDefault();
    if (!chosen) { $('produce-result').textContent = 'choose a topic first'; return; }
    var record = { value: toBase64($('value').value) };
    if ($('key').value) { record.key = toBase64($('key').value); }
    fetch(API + '/topics/' + encodeURIComponent(chosen), {
      method: 'POST',
      headers: { 'Content-Type': BINARY, Accept: V2 },
      body: JSON.stringify({ records: [record] })
    }).then(function (r) { return r.json(); }).then(function (answer) {
      var result = answer.offsets ? answer.offsets[0] : answer;
      $('produce-result').textContent = result.error ? 'failed: ' + result.error
        : 'produced at partition ' + result.partition + ', offset ' + result.offset;
    }, function (e) { $('produce-result').textContent = 'failed: ' + e; });
  }

  $('refresh').addEventListener('click', loadTopics);
  $('produce').addEventListener('submit', produce);
  loadTopics();
  var fromHash = /topic=([^&]+)/.exec(location.hash);
  if (fromHash) { choose(decodeURIComponent(fromHash[1])); }
}());
