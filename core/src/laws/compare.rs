//! Every law's answer at one budget, side by side: the choice of law
//! moves N and D by factors of 2-4 at frontier budgets, and a planner
//! should see that before trusting any one of them.

use serde::Serialize;

use super::kaplan_training::kaplan_frontier;
use super::rules::{AllocationRule, RULES};
use super::{Law, Parametric};
use crate::error::Result;
use crate::table::{NumFormat, Record, Table};

/// One law's allocation of a budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Law or rule name.
    pub law: std::borrow::Cow<'static, str>,
    /// Budget, FLOPs.
    #[serde(rename = "C")]
    pub c: f64,
    /// Parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Tokens.
    #[serde(rename = "D")]
    pub d: f64,
    /// D / N.
    pub tokens_per_param: f64,
    /// Predicted loss.
    pub loss: f64,
    /// Whose loss: the law's own, or Chinchilla's eq. 10 for rules that
    /// have no loss formula.
    pub loss_from: &'static str,
}

impl Record for Answer {
    fn format(field: &str) -> NumFormat {
        match field {
            "N" | "D" => NumFormat::Si,
            "C" => NumFormat::Sci(2),
            "tokens_per_param" => NumFormat::Fixed(1),
            _ => NumFormat::Fixed(4),
        }
    }
}

/// Where a law's loss comes from, as the table says it.
fn own(law: &Law) -> &'static str {
    match &*law.name {
        "kaplan_joint" => "own (WebText2 nats)",
        super::moe::NAME => "own; N, D unverified (C = 6ND, not the paper's FLOP model)",
        _ => "own",
    }
}

impl Answer {
    /// A law's own optimum at `c`.
    pub fn of_law(law: &Law, c: f64) -> Result<Answer> {
        Answer::of_law_fn(law)(c)
    }

    /// [`Answer::of_law`] for many budgets ([`Law::optimizer`]).
    pub fn of_law_fn(law: &Law) -> impl Fn(f64) -> Result<Answer> + Sync + '_ {
        let optimal = law.optimizer();
        let loss_from = own(law);
        move |c| {
            let a = optimal(c)?;
            Ok(Answer {
                law: law.name.clone(),
                c: a.c,
                n: a.n,
                d: a.d,
                tokens_per_param: a.d / a.n,
                loss: a.loss,
                loss_from,
            })
        }
    }

    /// An allocation from a source without a loss formula, with
    /// Chinchilla's eq. 10 loss as the yardstick.
    fn borrowed(name: &'static str, c: f64, n: f64, d: f64) -> Result<Answer> {
        Ok(Answer {
            law: name.into(),
            c,
            n,
            d,
            tokens_per_param: d / n,
            loss: Parametric::CHINCHILLA.loss(n, d)?,
            loss_from: "chinchilla eq. 10",
        })
    }

    /// The allocation of `c` under the law or rule called `name`
    /// (catalog laws, "kaplan_frontier", the allocation rules).
    pub fn by_name(name: &str, c: f64) -> Result<Answer> {
        if let Ok(law) = Law::by_name(name) {
            return Answer::of_law(&law, c);
        }
        if name.eq_ignore_ascii_case("kaplan_frontier") {
            let f = kaplan_frontier(c)?;
            return Answer::borrowed("kaplan_frontier", c, f.n, c / (6.0 * f.n));
        }
        match AllocationRule::by_name(name) {
            Ok(rule) => {
                let (n, d) = rule.optimal(c)?;
                Answer::borrowed(rule.name, c, n, d)
            }
            Err(_) => {
                let mut known = Law::names();
                known.push("kaplan_frontier");
                known.extend(RULES.iter().map(|r| r.name));
                Err(crate::Error::unknown("law or allocation rule", name, known))
            }
        }
    }
}

/// A law or rule to compare: a catalog name, or a law value (a fitted
/// or custom law).
#[derive(Debug, Clone)]
pub enum Entry {
    /// A catalog law, "kaplan_frontier" or an allocation rule.
    Named(String),
    /// A law value.
    Law(Law),
}

/// `compare_laws` over chosen laws and rules at every budget, one row per
/// (budget, entry). When a law among them carries bootstrap refits, its
/// rows add the central `level` intervals of N, D, D/N and the loss
/// ([`Law::optimal_interval`]); other rows have NaN there, as pandas fills
/// a column a row lacks.
pub fn compare_chosen(entries: &[Entry], budgets: &[f64], level: f64) -> Result<Table> {
    use crate::table::Cell;
    let banded = entries
        .iter()
        .any(|e| matches!(e, Entry::Law(l) if l.has_refits()));
    let mut rows = Vec::with_capacity(entries.len() * budgets.len());
    for &c in budgets {
        for e in entries {
            let (a, band) = match e {
                Entry::Named(name) => (Answer::by_name(name, c)?, None),
                Entry::Law(law) if law.has_refits() => (
                    Answer::of_law(law, c)?,
                    Some(law.optimal_interval(c, level)?),
                ),
                Entry::Law(law) => (Answer::of_law(law, c)?, None),
            };
            let num = |k: &str, v: f64| (k.to_string(), Cell::Num(v));
            let gap = f64::NAN;
            let pick = |f: fn(&super::fitted::OptimumInterval) -> f64| band.as_ref().map_or(gap, f);
            let mut row = vec![
                ("law".to_string(), Cell::Text(a.law.to_string())),
                num("C", a.c),
                num("N", a.n),
            ];
            if banded {
                row.push(num("N_low", pick(|b| b.n_low)));
                row.push(num("N_high", pick(|b| b.n_high)));
            }
            row.push(num("D", a.d));
            if banded {
                row.push(num("D_low", pick(|b| b.d_low)));
                row.push(num("D_high", pick(|b| b.d_high)));
            }
            row.push(num("tokens_per_param", a.tokens_per_param));
            if banded {
                row.push(num(
                    "tokens_per_param_low",
                    pick(|b| b.tokens_per_param_low),
                ));
                row.push(num(
                    "tokens_per_param_high",
                    pick(|b| b.tokens_per_param_high),
                ));
            }
            row.push(num("loss", a.loss));
            if banded {
                row.push(num("loss_low", pick(|b| b.loss_low)));
                row.push(num("loss_high", pick(|b| b.loss_high)));
            }
            row.push(("loss_from".to_string(), Cell::Text(a.loss_from.to_string())));
            rows.push(row);
        }
    }
    let mut t = Table::from_rows(&rows)?;
    for name in t.names().to_vec() {
        let f = match name.as_str() {
            "law" | "loss_from" => continue,
            n if n.starts_with("loss") => NumFormat::Fixed(4),
            n => Answer::format(n.trim_end_matches("_low").trim_end_matches("_high")),
        };
        t.set_format(&name, f)?;
    }
    Ok(t)
}

/// The allocation of `c` FLOPs under every law and rule: the catalog laws'
/// own optima (C = 6ND), Kaplan's Table 6 frontier, and the allocation
/// rules. Rows whose source has no loss formula get Chinchilla's eq. 10
/// loss at their N and D, so that one column compares them all; rows with
/// the frontier's N take D = C / (6N), so that every row spends C.
pub fn compare_laws(c: f64) -> Result<Vec<Answer>> {
    compared()
        .into_iter()
        .map(|name| Answer::by_name(name, c))
        .collect()
}

/// The names `compare_laws` answers for, in its order: every loss law,
/// Kaplan's fitted frontier, then every allocation rule.
pub fn compared() -> Vec<&'static str> {
    let mut names = Law::names();
    names.push("kaplan_frontier");
    names.extend(RULES.iter().map(|r| r.name));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_law_and_rule() {
        let rows = compare_laws(1e24).unwrap();
        let names: Vec<&str> = rows.iter().map(|r| &*r.law).collect();
        assert_eq!(
            names,
            [
                "chinchilla",
                "chinchilla_unrounded",
                "epoch2024",
                "kaplan_joint",
                "data_constrained",
                "krajewski2024",
                "kaplan_frontier",
                "approach1",
                "approach2",
                "llama3",
                "llama3_text",
                "llama3_anchored",
                "deepseek"
            ]
        );
        // The figures: chinchilla 41.3B on 4.04T, epoch2024 95.9B on 1.74T.
        let get = |n: &str| rows.iter().find(|r| &*r.law == n).unwrap();
        assert_eq!(format!("{:.1}", get("chinchilla").n / 1e9), "41.3");
        assert_eq!(format!("{:.2}", get("chinchilla").d / 1e12), "4.04");
        assert_eq!(format!("{:.1}", get("epoch2024").n / 1e9), "95.9");
        assert_eq!(format!("{:.2}", get("epoch2024").d / 1e12), "1.74");
        for r in &rows {
            assert!((6.0 * r.n * r.d / 1e24 - 1.0).abs() < 2e-4, "{}", r.law);
        }
    }
}
