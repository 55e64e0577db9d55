export { DeliveryMetricsStrip } from './DeliveryMetricsStrip';
