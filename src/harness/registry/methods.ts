import type { MethodDefinition } from '../../lib/contracts/method.ts';
import { method as traceanomaly } from '../../methods/traceanomaly/index.ts';
import { method as vae } from '../../methods/vae/index.ts';
import { method as traceanomalyRca } from '../../methods/traceanomaly-rca/index.ts';
import { method as demoZscore } from '../../methods/demo-zscore/index.ts';
import { method as demoZscoreRt } from '../../methods/demo-zscore-rt/index.ts';
import { method as gmm } from '../../../baselines/gmm/index.ts';
import { method as kde } from '../../../baselines/kde/index.ts';
import { method as rule } from '../../../baselines/rule/index.ts';
import { method as hstv3sigma } from '../../../baselines/hstv-3sigma/index.ts';
import { method as wfg } from '../../../baselines/wfg/index.ts';
import { method as cfg } from '../../../baselines/cfg/index.ts';
import { method as cpd } from '../../../baselines/cpd/index.ts';
import { method as aevb } from '../../../baselines/aevb/index.ts';
import { method as omnianomaly } from '../../../baselines/omnianomaly/index.ts';
import { method as deeplog } from '../../../baselines/deeplog/index.ts';
import { method as multimodalLstm } from '../../../baselines/multimodal-lstm/index.ts';
import { method as monitorrank } from '../../../baselines/monitorrank/index.ts';
import { method as rcsf } from '../../../baselines/rcsf/index.ts';
import { method as mepfl } from '../../../baselines/mepfl/index.ts';

/**
 * Every method the harness knows, one line each: a method is a folder (src/methods/NAME/ or baselines/NAME/)
 * whose index.ts exports `method` (src/lib/contracts/method.ts), and this list. Order: the paper's tables.
 */
export const METHODS: readonly MethodDefinition[] = [
  traceanomaly,
  vae,
  gmm,
  kde,
  wfg,
  deeplog,
  cpd,
  cfg,
  aevb,
  omnianomaly,
  multimodalLstm,
  rule,
  hstv3sigma,
  traceanomalyRca,
  monitorrank,
  rcsf,
  mepfl,
  demoZscore,
  demoZscoreRt,
];

/** A method by name, or undefined. */
export const methodDefinition = (name: string): MethodDefinition | undefined => METHODS.find((m) => m.name === name);
