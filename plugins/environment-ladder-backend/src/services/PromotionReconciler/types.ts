/** Follows promotions in flight to the end; run on a schedule, on any number of replicas. */
export interface PromotionReconciler {
  /** One pass over every promotion in flight; counts the steps taken and the failures. */
  reconcile(): Promise<{ advanced: number; failed: number }>;
}
