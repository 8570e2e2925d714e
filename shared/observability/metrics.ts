/**
 * Powertools Metrics (CloudWatch EMF) of the functions that publish metrics. The lookup function publishes
 * none and never imports this (its bundle stays free of Metrics).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: 'SellerBadges', serviceName: 'seller-badges' });
