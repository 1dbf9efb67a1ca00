/** The appliance's HTTP side: app factory, server Feature, the service interfaces routes sit on, live view. */
export { createHttpApp, apiDocument, routeTable, OPENAPI_PATH, type HttpApp } from './app.js';
export { HttpServer, type HttpServerOptions } from './server.js';
export type { HttpDeps } from './deps.js';
export type * from './services.js';
export { LiveView, defaultLiveViewOptions, type LiveViewOptions } from './live/live-view.js';
export { EventStream, defaultEventStreamOptions, type EventStreamOptions } from './live/event-stream.js';
export { readMjpeg, boundaryOf } from './live/mjpeg-reader.js';
