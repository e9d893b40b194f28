//! Training step time predicted from the model, the layout and the
//! hardware, instead of divided by a guessed MFU.
//!
//! The equations ([`step`], [`collective`]) follow what each GPU runs:
//! its share of every matrix multiply, attention kernel, element-wise
//! kernel and collective, the pipeline's bubble and the optimizer. What
//! they cannot know — how close real kernels and links come to their
//! datasheet peaks — is a small set of efficiencies per accelerator
//! generation ([`Constants`]), kept as data with their sources
//! (`core/data/performance.json`) and fitted to published step times
//! ([`calibrate`]). [`runs`] holds those published measurements, split
//! into the ones the constants were fitted to and the ones held out;
//! `docs/performance.md` reports the errors on both.

pub mod calibrate;
pub mod collective;
pub mod constants;
pub mod layout;
pub mod options;
pub mod plan;
pub mod runs;
pub mod step;

pub use calibrate::{calibrate, Calibration};
pub use constants::Constants;
pub use layout::{AttentionKernel, Layout};
pub use options::{training_step, LayoutOptions, StepOptions, TrainingStep};
pub use plan::{plan_training, Plan, PlanOptions};
pub use step::{model_flops_per_token, step_time, StepTime};
