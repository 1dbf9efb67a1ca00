/** The appliance's HTTP side: app factory, server Feature, service interfaces and their bindings, live view. */
export { createHttpApp, apiDocument, routeTable, OPENAPI_PATH, type HttpApp } from './app.js';
export { HttpServer, type HttpServerOptions } from './server.js';
export type { HttpDeps } from './deps.js';
export type * from './services.js';
export { bindCameraRuntime, bindCrops, bindIdentity, bindMqttAccounts, bindVisits, withEmptyFlag } from './bindings.js';
export { DocumentSettingsService, deepMerge, changedPaths, needsRestart, type SettingsListener } from './settings-service.js';
export { SettingsCameraService } from './camera-service.js';
export { ProcessSystemService, appVersion } from './system-service.js';
export { LiveView, defaultLiveViewOptions, type FrameFeed, type LiveViewOptions } from './live/live-view.js';
export { EventStream, defaultEventStreamOptions, type EventStreamOptions } from './live/event-stream.js';
export { readMjpeg, boundaryOf } from './live/mjpeg-reader.js';
