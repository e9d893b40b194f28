//! Search the layouts of a training run for the fastest that fits:
//! every tensor-parallel degree in a node dividing the heads, pipeline
//! depth, interleaving, context and expert parallelism, micro-batch, ZeRO
//! stage and recomputation, each predicted by [`super::step_time`] in
//! parallel (rayon), the ones that do not fit memory dropped.

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::layout::{AttentionKernel, Layout};
use super::options::{memory_per_gpu, StepOptions};
use super::step::{step_time, StepTime};
use crate::error::{Error, Result};
use crate::memory::Recompute;
use crate::transformer::Transformer;

/// Limits of the search, beside the run's own options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanOptions {
    /// The run: hardware, gpus, batch or tokens_per_batch, seq_len and the
    /// rest; layout fields given here are searched over instead.
    #[serde(flatten)]
    pub run: StepOptions,
    /// Layouts to return, fastest first (10).
    #[serde(default)]
    pub top: Option<crate::input::Count>,
    /// The deepest pipeline to consider (the layers, up to 128, when absent).
    #[serde(default)]
    pub max_pp: Option<crate::input::Count>,
}

/// One layout the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    /// The layout.
    pub layout: Layout,
    /// Its step.
    pub time: StepTime,
    /// Memory per GPU, bytes.
    pub memory_per_gpu: f64,
}

/// The search's result: the fastest layouts and how many were scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The fastest layouts that fit, fastest first.
    pub layouts: Vec<Planned>,
    /// Layouts enumerated and scored.
    pub scored: usize,
}

fn powers_of_two_to(max: f64) -> Vec<f64> {
    std::iter::successors(Some(1.0), |x| Some(x * 2.0))
        .take_while(|x| *x <= max)
        .collect()
}

fn divisors(n: f64, max: f64) -> Vec<f64> {
    (1..=(max.min(n) as u64))
        .map(|d| d as f64)
        .filter(|d| (n / d).fract() == 0.0)
        .collect()
}

/// The values of one layout field: the given one, or `search`.
fn given_or(v: Option<crate::input::Count>, search: Vec<f64>) -> Vec<f64> {
    v.map_or(search, |v| vec![v.get()])
}

/// The candidate layouts of `o` for `t`, before checks.
fn candidates(t: &Transformer, o: &PlanOptions) -> Result<Vec<Layout>> {
    let run = &o.run;
    let given = &run.layout;
    let base = run.layout(t)?;
    let gpn = run.hardware.gpus_per_node;
    let mut out = Vec::new();
    let tps = given_or(
        given.tp,
        powers_of_two_to(gpn)
            .into_iter()
            .filter(|tp| (t.n_heads / tp).fract() == 0.0)
            .collect(),
    );
    let cps = given_or(
        given.cp,
        powers_of_two_to(32.0)
            .into_iter()
            .filter(|cp| *cp == 1.0 || base.seq_len / cp >= 4096.0)
            .collect(),
    );
    let max_pp = o.max_pp.map_or(128.0, |p| p.get());
    let pps = given_or(given.pp, divisors(base.gpus, t.n_layer.min(max_pp)));
    let eps = given_or(
        given.ep,
        if t.is_moe() {
            divisors(t.n_experts, t.n_experts.min(256.0))
        } else {
            vec![1.0]
        },
    );
    let mbs = given_or(given.micro_batch, vec![1.0, 2.0, 4.0, 8.0]);
    let zeros: Vec<u8> = given.zero.map_or(vec![1, 3], |z| vec![z.stage()]);
    let recomputes: Vec<Recompute> = match given.recompute {
        Some(r) => vec![r],
        // FlashAttention already recomputes its scores: selective is none.
        None if base.attention == AttentionKernel::Flash => vec![Recompute::None, Recompute::Full],
        None => vec![Recompute::None, Recompute::Selective, Recompute::Full],
    };
    for &tp in &tps {
        for &cp in &cps {
            for &pp in &pps {
                if (base.gpus / (tp * cp * pp)).fract() != 0.0 {
                    continue;
                }
                let vpps = given_or(
                    given.vpp,
                    if pp == 1.0 {
                        vec![1.0]
                    } else {
                        [1.0, 2.0, 4.0, 8.0]
                            .into_iter()
                            .filter(|v| *v <= (t.n_layer / pp).ceil())
                            .collect()
                    },
                );
                for &vpp in &vpps {
                    for &ep in &eps {
                        for &mb in &mbs {
                            for &zero in &zeros {
                                for &recompute in &recomputes {
                                    out.push(Layout {
                                        tp,
                                        cp,
                                        pp,
                                        vpp,
                                        ep,
                                        micro_batch: mb,
                                        zero,
                                        recompute,
                                        sequence_parallel: given
                                            .sequence_parallel
                                            .unwrap_or(tp > 1.0),
                                        ..base.clone()
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The fastest layouts of `o` for `t` that fit, fastest first; at most
/// `top` of them. An error says why none fits.
pub fn plan_training(
    t: &Transformer,
    o: &PlanOptions,
    budget: &dyn Fn(usize) -> Result<()>,
) -> Result<Plan> {
    let run = &o.run;
    let c = run.constants();
    let all = candidates(t, o)?;
    budget(all.len())?;
    let mut found: Vec<Planned> = all
        .par_iter()
        .filter_map(|l| {
            let memory = memory_per_gpu(t, l).ok()?.total;
            if memory > run.hardware.memory {
                return None;
            }
            let time = step_time(t, l, &run.hardware, &c).ok()?;
            Some(Planned {
                layout: l.clone(),
                time,
                memory_per_gpu: memory,
            })
        })
        .collect();
    if found.is_empty() {
        return Err(Error::InvalidArgument {
            arg: "gpus".into(),
            expected: "enough GPUs for a layout that fits memory",
            value: format!(
                "none of {} layouts of {} on {} {} fits its {:.0} GB",
                all.len(),
                t.name,
                run.gpus.get(),
                run.hardware.name,
                run.hardware.memory / 1e9
            ),
        });
    }
    found.sort_by(|a, b| a.time.step_seconds.total_cmp(&b.time.step_seconds));
    found.truncate(o.top.map_or(10, |t| t.as_usize()));
    Ok(Plan {
        layouts: found,
        scored: all.len(),
    })
}
