//! Scaling laws as values: a [`Law`] predicts loss from model size and data,
//! and knows its compute-optimal allocation.

pub mod hyper;
pub mod kaplan;
pub mod parametric;

use std::fmt;

use serde::Serialize;

use crate::allocation::Allocation;
use crate::error::{Error, Result};
pub use kaplan::KaplanJoint;
pub use parametric::Parametric;

/// The functional form of a law and its coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "form")]
pub enum Form {
    /// L = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022 eq. 2).
    #[serde(rename = "parametric")]
    Parametric(Parametric),
    /// L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (Kaplan et al. 2020 eq. 1.5).
    #[serde(rename = "kaplan")]
    Kaplan(KaplanJoint),
}

/// A named scaling law with the source of its coefficients.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Law {
    /// Catalog name (`"chinchilla"`) or `"custom"`.
    pub name: String,
    /// Paper, table or equation the coefficients come from.
    pub citation: String,
    /// Form and coefficients.
    #[serde(flatten)]
    pub form: Form,
    /// How the coefficients were fitted, for a law made by `fit_law`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<std::sync::Arc<crate::fit::FitReport>>,
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
        "kaplan",
        "Kaplan et al. 2020, Scaling Laws for Neural Language Models, eq. 1.5 with Table 2",
        Form::Kaplan(KaplanJoint::TABLE2),
    ),
];

impl Law {
    /// Look a law up by catalog name.
    pub fn by_name(name: &str) -> Result<Law> {
        CATALOG
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, c, f)| Law {
                name: n.to_string(),
                citation: c.to_string(),
                form: *f,
                fit: None,
            })
            .ok_or_else(|| Error::unknown("law", name, Law::names()))
    }

    /// The catalog's names.
    pub fn names() -> Vec<&'static str> {
        CATALOG.iter().map(|(n, _, _)| *n).collect()
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
            name: "custom".into(),
            citation: "user-defined coefficients".into(),
            form: Form::Parametric(p),
            fit: None,
        }
    }

    /// Predicted loss at N parameters and D tokens.
    pub fn loss(&self, n: f64, d: f64) -> Result<f64> {
        match &self.form {
            Form::Parametric(p) => p.loss(n, d),
            Form::Kaplan(k) => k.loss(n, d),
        }
    }

    /// Compute-optimal allocation of C FLOPs (C = 6ND).
    pub fn optimal(&self, c: f64) -> Result<Allocation> {
        match &self.form {
            Form::Parametric(p) => p.optimal(c),
            Form::Kaplan(k) => k.optimal(c),
        }
    }

    /// The budget at which N parameters is compute-optimal.
    pub fn optimal_for_params(&self, n: f64) -> Result<Allocation> {
        match &self.form {
            Form::Parametric(p) => p.optimal_for_params(n),
            Form::Kaplan(k) => k.optimal_for_params(n),
        }
    }

    /// The parametric coefficients, if the law has that form.
    pub fn parametric(&self) -> Option<&Parametric> {
        match &self.form {
            Form::Parametric(p) => Some(p),
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
