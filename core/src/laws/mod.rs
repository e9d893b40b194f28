//! Scaling laws as values: a [`Law`] predicts loss from model size and data,
//! and knows its compute-optimal allocation.

pub mod compare;
pub mod data_constrained;
pub mod fitted;
pub mod hyper;
pub mod inference;
pub mod kaplan;
pub mod kaplan_training;
pub mod moe;
pub mod parametric;
pub mod rules;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::allocation::Allocation;
use crate::error::{check, Error, Result};
pub use data_constrained::{ConstrainedRun, DataConstrained};
pub use inference::{inference_optimal, InferenceOptimal, InferenceOptions};
pub use kaplan::KaplanJoint;
pub use parametric::Parametric;

/// The functional form of a law and its coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form")]
pub enum Form {
    /// L = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022 eq. 2).
    #[serde(rename = "parametric")]
    Parametric(Parametric),
    /// L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (Kaplan et al. 2020 eq. 1.5).
    #[serde(rename = "kaplan")]
    Kaplan(KaplanJoint),
    /// E + A/N'^alpha + B/D'^beta with repeated data and excess parameters
    /// discounted (Muennighoff et al. 2023 eq. 5-6).
    #[serde(rename = "data_constrained")]
    DataConstrained(DataConstrained),
}

/// A named scaling law with the source of its coefficients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Law {
    /// Catalog name (`"chinchilla"`), `"custom"` or `"fitted"`: borrowed,
    /// so a table of this law's answers copies no string per row.
    pub name: std::borrow::Cow<'static, str>,
    /// Paper, table or equation the coefficients come from.
    pub citation: String,
    /// Form and coefficients.
    #[serde(flatten)]
    pub form: Form,
    /// How the coefficients were fitted, for a law made by `fit_law`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<std::sync::Arc<fitted::FitReport>>,
}

/// Catalog entries: name, citation, form.
const CATALOG: &[(&str, &str, Form)] = &[
    (
        "chinchilla",
        "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, eq. 10 (Approach 3, rounded)",
        Form::Parametric(Parametric::CHINCHILLA),
    ),
    (
        "chinchilla_unrounded",
        "Hoffmann et al. 2022 eq. 10 with unrounded coefficients: E = 1.69337368, A = 406.401018, B = 410.722827, alpha = 0.33917084, beta = 0.2849083",
        Form::Parametric(Parametric {
            e: 1.69337368,
            a: 406.401018,
            b: 410.722827,
            alpha: 0.33917084,
            beta: 0.2849083,
        }),
    ),
    (
        "epoch2024",
        "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt (Epoch AI), refit of Hoffmann's data: E = 1.8172, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658",
        Form::Parametric(Parametric {
            e: 1.8172,
            a: 482.01,
            b: 2085.43,
            alpha: 0.3478,
            beta: 0.3658,
        }),
    ),
    (
        "kaplan_joint",
        "Kaplan et al. 2020, Scaling Laws for Neural Language Models, eq. 1.5 with Table 2; its optimum minimises eq. 1.5 under C = 6ND (N grows as C^0.575), unlike Kaplan's fitted frontier N = 1.3e9 C_min^0.73 (Table 6, kaplan_frontier)",
        Form::Kaplan(KaplanJoint::TABLE2),
    ),
    (
        "data_constrained",
        "Muennighoff et al. 2023, Scaling Data-Constrained Language Models, eq. 5-6 and Appendix A eq. 16-17 (released fit: ln A = 6.255414, ln B = 7.3049974, ln E = 0.6254804, alpha = beta = 0.3526596, R_N* = 5.309743, R_D* = 15.387756; C4 and OSCAR runs, 7M-9B parameters, 1-500 epochs)",
        Form::DataConstrained(DataConstrained::MUENNIGHOFF),
    ),
];

impl Law {
    /// Look a law up by catalog name ("kaplan" is `kaplan_joint`;
    /// "krajewski2024" is the fine-grained MoE law at granularity 1).
    pub fn by_name(name: &str) -> Result<Law> {
        if name.eq_ignore_ascii_case(moe::NAME) {
            return moe::fine_grained(1.0);
        }
        let name = if name.eq_ignore_ascii_case("kaplan") {
            "kaplan_joint"
        } else {
            name
        };
        CATALOG
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, c, f)| Law {
                name: std::borrow::Cow::Borrowed(*n),
                citation: c.to_string(),
                form: *f,
                fit: None,
            })
            .ok_or_else(|| {
                if compare::compared()
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(name))
                {
                    Error::RuleNotLaw {
                        name: name.to_string(),
                    }
                } else {
                    Error::unknown("law", name, Law::names())
                }
            })
    }

    /// The catalog's names.
    pub fn names() -> Vec<&'static str> {
        let mut v: Vec<&'static str> = CATALOG.iter().map(|(n, _, _)| *n).collect();
        v.push(moe::NAME);
        v
    }

    /// Every catalog entry.
    pub fn catalog() -> Vec<Law> {
        Law::names()
            .into_iter()
            .map(|n| Law::by_name(n).expect("catalog names resolve"))
            .collect()
    }

    /// The default law: Chinchilla eq. 10 with the rounded coefficients the seed uses.
    pub fn chinchilla() -> Law {
        Law::by_name("chinchilla").expect("chinchilla is in the catalog")
    }

    /// A user-defined parametric law.
    pub fn custom(p: Parametric) -> Law {
        Law {
            name: std::borrow::Cow::Borrowed("custom"),
            citation: "user-defined coefficients".into(),
            form: Form::Parametric(p),
            fit: None,
        }
    }

    /// Predicted loss at N parameters and D tokens, all of them unique.
    pub fn loss(&self, n: f64, d: f64) -> Result<f64> {
        match &self.form {
            Form::Parametric(p) => p.loss(n, d),
            Form::Kaplan(k) => k.loss(n, d),
            Form::DataConstrained(dc) => dc.loss(n, d, d),
        }
    }

    /// Predicted loss at N parameters and D tokens drawn from U unique
    /// tokens. Only the data-constrained law models repetition; for the
    /// others U >= D is required.
    pub fn loss_with_unique(&self, n: f64, d: f64, u: f64) -> Result<f64> {
        match &self.form {
            Form::DataConstrained(dc) => dc.loss(n, d, u),
            _ if check::positive("U", u)? >= d => self.loss(n, d),
            _ => Err(Error::InvalidArgument {
                arg: "U".into(),
                expected:
                    "U >= D: this law has no term for repeated data (use law(\"data_constrained\"))",
                value: format!("U = {u:e} < D = {d:e}"),
            }),
        }
    }

    /// [`Law::parametric`], or an error naming the law.
    pub fn require_parametric(&self) -> Result<&Parametric> {
        self.parametric().ok_or_else(|| Error::WrongForm {
            law: self.name.to_string(),
            lacks: "is not of the parametric form E + A/N^alpha + B/D^beta",
        })
    }

    /// [`Law::data_constrained`], or an error naming the law.
    pub fn require_data_constrained(&self) -> Result<&DataConstrained> {
        self.data_constrained().ok_or_else(|| Error::WrongForm {
            law: self.name.to_string(),
            lacks: "has no term for repeated data; use law(\"data_constrained\")",
        })
    }

    /// The data-constrained form, if the law has it.
    pub fn data_constrained(&self) -> Option<&DataConstrained> {
        match &self.form {
            Form::DataConstrained(dc) => Some(dc),
            _ => None,
        }
    }

    /// Compute-optimal allocation of C FLOPs (C = 6ND).
    pub fn optimal(&self, c: f64) -> Result<Allocation> {
        match &self.form {
            Form::Parametric(p) => p.optimal(c),
            Form::Kaplan(k) => k.optimal(c),
            Form::DataConstrained(dc) => dc.optimal(c),
        }
    }

    /// [`Law::optimal`] for many budgets: what can be worked out once is.
    pub fn optimizer(&self) -> Box<dyn Fn(f64) -> Result<Allocation> + Sync + '_> {
        match &self.form {
            Form::Parametric(p) => Box::new(p.optimizer()),
            _ => Box::new(|c| self.optimal(c)),
        }
    }

    /// Why this law's compute-optimal answers are not to be trusted as
    /// its paper's, when they are not ([`moe::UNVERIFIED`]).
    pub fn caveat(&self) -> Option<&'static str> {
        (self.name == moe::NAME).then_some(moe::UNVERIFIED)
    }

    /// The budget at which N parameters is compute-optimal.
    pub fn optimal_for_params(&self, n: f64) -> Result<Allocation> {
        match &self.form {
            Form::Parametric(p) => p.optimal_for_params(n),
            Form::Kaplan(k) => k.optimal_for_params(n),
            Form::DataConstrained(dc) => dc.base.optimal_for_params(n),
        }
    }

    /// The parametric coefficients, if the law has that form. For the
    /// data-constrained law, its single-epoch base, which it equals when
    /// data is not repeated and N is at most compute-optimal for D.
    pub fn parametric(&self) -> Option<&Parametric> {
        match &self.form {
            Form::Parametric(p) => Some(p),
            Form::DataConstrained(dc) => Some(&dc.base),
            Form::Kaplan(_) => None,
        }
    }

    /// The formula as text.
    pub fn formula(&self) -> String {
        match &self.form {
            Form::Parametric(p) => format!(
                "L(N, D) = {} + {}/N^{} + {}/D^{}",
                p.e, p.a, p.alpha, p.b, p.beta
            ),
            Form::Kaplan(k) => format!(
                "L(N, D) = [({:e}/N)^({}/{}) + {:e}/D]^{}",
                k.nc, k.alpha_n, k.alpha_d, k.dc, k.alpha_d
            ),
            Form::DataConstrained(dc) => format!(
                "L(N, D, U) = {} + {}/N'^{} + {}/D'^{}, D' = U_D (1 + {} (1 - e^(-R_D/{}))), N' = U_N (1 + {} (1 - e^(-R_N/{}))), U_D = min(U, D), R_D = D/U_D - 1, U_N = min(N_opt(U_D), N), R_N = N/U_N - 1",
                dc.base.e, dc.base.a, dc.base.alpha, dc.base.b, dc.base.beta,
                dc.rd_star, dc.rd_star, dc.rn_star, dc.rn_star
            ),
        }
    }
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Law '{}': {}\n  source: {}",
            self.name,
            self.formula(),
            self.citation
        )
    }
}

impl schemars::JsonSchema for Law {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Law".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "a law: law(\"chinchilla\"), law(#{...}) or fit_law(...)"
        })
    }
}
