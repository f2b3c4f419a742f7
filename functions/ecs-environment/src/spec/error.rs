use std::fmt;

/// One property that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{property}: {message}")]
pub struct PropertyError {
    pub property: String,
    pub message: String,
}

impl PropertyError {
    pub fn new(property: &str, message: impl Into<String>) -> Self {
        Self {
            property: property.to_string(),
            message: message.into(),
        }
    }

    pub fn unknown(property: &str, known: &[&str]) -> Self {
        Self::new(
            property,
            format!(
                "is not a property of Custom::EcsEnvironment (known: {})",
                known.join(", ")
            ),
        )
    }
}

/// Every problem found in one set of properties.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertyErrors(pub Vec<PropertyError>);

impl PropertyErrors {
    pub fn push(&mut self, error: PropertyError) {
        self.0.push(error);
    }

    /// Keeps the value, or records the error and returns `None`.
    pub fn take<T>(&mut self, result: Result<T, PropertyError>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|e| e.property.as_str()).collect()
    }
}

impl fmt::Display for PropertyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid properties: ")?;
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PropertyErrors {}
