//! Number formats: how many bytes a value takes and which peak an
//! accelerator reaches computing in it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A number format for weights, gradients, caches or arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// IEEE single precision, 4 bytes.
    #[serde(alias = "float32", alias = "FP32")]
    Fp32,
    /// TF32 tensor-core arithmetic (stored as fp32, 4 bytes).
    #[serde(alias = "TF32")]
    Tf32,
    /// bfloat16 or IEEE half precision, 2 bytes.
    #[serde(
        alias = "fp16",
        alias = "bfloat16",
        alias = "float16",
        alias = "BF16",
        alias = "FP16"
    )]
    Bf16,
    /// 8-bit floating point (E4M3/E5M2), 1 byte.
    #[serde(alias = "FP8")]
    Fp8,
    /// 8-bit integers, 1 byte.
    #[serde(alias = "INT8")]
    Int8,
    /// 4-bit integers (weight-only quantisation such as GPTQ or AWQ), half a byte.
    #[serde(alias = "INT4")]
    Int4,
    /// 4-bit floating point (Blackwell's FP4), half a byte.
    #[serde(alias = "FP4")]
    Fp4,
}

/// Every name [`Precision::parse`] accepts, for error messages.
pub const NAMES: [&str; 8] = ["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"];

impl Precision {
    /// Parse a name: "fp32", "tf32", "bf16" (or "fp16"), "fp8", "int8", "int4", "fp4".
    pub fn parse(name: &str) -> Result<Precision> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "fp32" | "float32" => Precision::Fp32,
            "tf32" => Precision::Tf32,
            "bf16" | "fp16" | "bfloat16" | "float16" => Precision::Bf16,
            "fp8" => Precision::Fp8,
            "int8" => Precision::Int8,
            "int4" => Precision::Int4,
            "fp4" => Precision::Fp4,
            _ => {
                return Err(Error::unknown("precision", name, NAMES));
            }
        })
    }

    /// Bytes per value.
    pub fn bytes(self) -> f64 {
        match self {
            Precision::Fp32 | Precision::Tf32 => 4.0,
            Precision::Bf16 => 2.0,
            Precision::Fp8 | Precision::Int8 => 1.0,
            Precision::Int4 | Precision::Fp4 => 0.5,
        }
    }

    /// The name as written in options.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Tf32 => "tf32",
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
            Precision::Fp4 => "fp4",
        }
    }
}
