/**
 * The four large services of company S (paper Table I) and the root causes of their anomalous traces (Table V).
 * `incidents` / `externalIncidents`: how many faults the test day gets, and how many of them are in an external
 * service called by a microservice (Table V's split of the localised traces).
 */
export interface ServiceSpec {
  name: string;
  description: string;
  microservices: number;
  dimensions: number;
  structures: number;
  tracesPerDay: number;
  /** Manually confirmed anomalous traces over the evaluation (Table I); the test day aims at this many. */
  anomalous: number;
  incidents: number;
  externalIncidents: number;
}

export const TABLE_I: readonly ServiceSpec[] = [
  { name: 'service-1', description: 'transaction query', microservices: 344, dimensions: 690, structures: 368, tracesPerDay: 801_021, anomalous: 108, incidents: 18, externalIncidents: 0 },
  { name: 'service-2', description: 'account opening', microservices: 61, dimensions: 173, structures: 61, tracesPerDay: 600_806, anomalous: 68, incidents: 8, externalIncidents: 2 },
  { name: 'service-3', description: 'repayment', microservices: 233, dimensions: 508, structures: 302, tracesPerDay: 502_408, anomalous: 81, incidents: 27, externalIncidents: 3 },
  { name: 'service-4', description: 'account balance query', microservices: 113, dimensions: 412, structures: 186, tracesPerDay: 500_921, anomalous: 66, incidents: 20, externalIncidents: 2 },
];
