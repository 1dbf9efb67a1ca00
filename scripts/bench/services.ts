// `npm run -s bench:services`: the appliance services' figures in one JSON object (last line):
// MQTT throughput and fan-out p95 of our broker vs Mosquitto (same mqtt.js client), the HTTP p95 of the
// visits list with 100,000 visits stored, and MJPEG fps delivered to 4 clients.
import { ensureThreadpool } from '../../device/src/camera/threadpool.js';
import { benchHttp } from './http.js';
import { benchMqtt } from './mqtt.js';

// The MJPEG part runs a camera (gstreamer-superficial blocks pool threads): size the pool before anything else.
if (ensureThreadpool(1) === 'ok') {
  const mqtt = await benchMqtt();
  const http = await benchHttp();
  console.log(JSON.stringify({ ...mqtt, ...http }));
  process.exit(0);
}
