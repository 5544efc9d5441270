/** The report's sections, in the order the page shows them. */

import { ablationSection } from './ablation.js';
import { actionsSection } from './actions.js';
import { appendixSection } from './appendix.js';
import { causesSection } from './causes.js';
import type { SectionBuilder } from './context.js';
import { counterfactualsSection } from './counterfactuals.js';
import { detectionSection } from './detection.js';
import { impactSection } from './impact.js';
import { lessonsSection } from './lessons.js';
import { observationsSection } from './observations.js';
import { resolutionSection } from './resolution.js';
import { sensitivitySection } from './sensitivity.js';
import { summarySection } from './summary.js';
import { sweepSection } from './sweep.js';
import { timelineSection } from './timeline.js';
import { weekSection } from './week.js';

export const SECTIONS: readonly SectionBuilder[] = [
  summarySection,
  impactSection,
  observationsSection,
  timelineSection,
  weekSection,
  causesSection,
  ablationSection,
  sensitivitySection,
  detectionSection,
  resolutionSection,
  counterfactualsSection,
  sweepSection,
  actionsSection,
  lessonsSection,
  appendixSection,
];
