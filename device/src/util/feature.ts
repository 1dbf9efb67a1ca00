/** A part of the appliance that the composition root starts and stops (Zigbee2MQTT style). */
export interface Feature {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
