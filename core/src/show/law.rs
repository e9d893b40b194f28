//! Laws: their formula and source as text, LaTeX in notebooks, coefficients in JSON.

use serde_json::Value;

use super::Show;
use crate::laws::{Form, Law};

/// A law as Markdown with its formula in LaTeX.
pub fn markdown(law: &Law) -> String {
    let formula = match &law.form {
        Form::Parametric(p) => format!(
            "$$L(N, D) = E + \\frac{{A}}{{N^{{\\alpha}}}} + \\frac{{B}}{{D^{{\\beta}}}}$$\n\n\
             $E = {}$, $A = {}$, $B = {}$, $\\alpha = {}$, $\\beta = {}$",
            p.e, p.a, p.b, p.alpha, p.beta
        ),
        Form::Kaplan(k) => format!(
            "$$L(N, D) = \\left[\\left(\\frac{{N_c}}{{N}}\\right)^{{\\alpha_N/\\alpha_D}} + \\frac{{D_c}}{{D}}\\right]^{{\\alpha_D}}$$\n\n\
             $N_c = {:e}$, $D_c = {:e}$, $\\alpha_N = {}$, $\\alpha_D = {}$",
            k.nc, k.dc, k.alpha_n, k.alpha_d
        ),
        Form::DataConstrained(dc) => format!(
            "$$L(N, D, U) = E + \\frac{{A}}{{N'^{{\\alpha}}}} + \\frac{{B}}{{D'^{{\\beta}}}}$$\n\n\
             $$D' = U_D + U_D R_D^* \\left(1 - e^{{-R_D/R_D^*}}\\right), \\quad \
             N' = U_N + U_N R_N^* \\left(1 - e^{{-R_N/R_N^*}}\\right)$$\n\n\
             $U_D = \\min(U, D)$, $R_D = D/U_D - 1$, $U_N = \\min(N_{{opt}}(U_D), N)$, $R_N = N/U_N - 1$\n\n\
             $E = {}$, $A = {}$, $B = {}$, $\\alpha = {}$, $\\beta = {}$, $R_N^* = {}$, $R_D^* = {}$",
            dc.base.e, dc.base.a, dc.base.b, dc.base.alpha, dc.base.beta, dc.rn_star, dc.rd_star
        ),
    };
    format!(
        "**Law `{}`**\n\n{formula}\n\n*Source:* {}",
        law.name, law.citation
    )
}

impl Show for Law {
    fn type_name(&self) -> &'static str {
        "Law"
    }
    fn text(&self) -> String {
        self.to_string()
    }
    fn inline(&self) -> String {
        format!("<Law '{}'>", self.name)
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn markdown(&self) -> Option<String> {
        Some(markdown(self))
    }
}
