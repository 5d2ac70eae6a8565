// The device-connectivity layer's public API. See ./broker.ts for the data path and ./types.ts
// for the dependencies the composition root provides.
export { startBroker, stopBroker, TOKEN_USERNAME, type Broker, type DisconnectMatch } from './broker.ts';
export { createGroupCommitter, type GroupCommitter, type GroupCommitOptions, type BatchInfo } from './group-commit.ts';
export { REJECT_REASONS, type RejectReason } from './ingest.ts';
export { DEFAULT_AUTH_THROTTLE } from './throttle.ts';
export {
  authorizePublishTopic,
  authorizeSubscribeTopic,
  authorizeToolSubscribe,
  commandAckTopic,
  commandTopic,
  commandsFilter,
  errorsTopic,
  eventsTopic,
  parseDeviceTopic,
  statusTopic,
  telemetryTopic,
  topicPrefix,
  type DeviceTopic,
  type TopicFamily,
} from './topics.ts';
export type * from './types.ts';
