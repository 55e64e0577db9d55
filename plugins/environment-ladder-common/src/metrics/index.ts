export type {
  DeliveryMetrics,
  DurationFigure,
  MetricsPeriod,
  MetricsPromotion,
  RungDeploymentFrequency,
} from './types';
export {
  MAX_METRICS_PERIOD_DAYS,
  changeFailureRate,
  computeDeliveryMetrics,
  deploymentFrequency,
  durationFigure,
  leadTimes,
  leadTimesFromCommit,
  metricsPeriod,
  parseMetricsPeriod,
  timeToRestore,
} from './deliveryMetrics';
