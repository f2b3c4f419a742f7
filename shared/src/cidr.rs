//! IPv4 CIDR blocks as EC2 writes them (`10.0.1.0/24`): whether one covers another.

use std::net::Ipv4Addr;

/// An IPv4 block: its first address and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Cidr {
    base: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    /// `a.b.c.d/n` with `n` ≤ 32; host bits are ignored (as EC2 does for a rule's range).
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = text.trim().split_once('/')?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let address: Ipv4Addr = address.parse().ok()?;
        Some(Self {
            base: u32::from(address) & mask(prefix),
            prefix,
        })
    }

    /// Every address of `inner` is in `self`.
    pub fn covers(&self, inner: &Self) -> bool {
        self.prefix <= inner.prefix && inner.base & mask(self.prefix) == self.base
    }
}

fn mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

/// `outer` covers `inner`, both written as CIDR blocks; anything unreadable covers nothing.
pub fn covers(outer: &str, inner: &str) -> bool {
    matches!(
        (Ipv4Cidr::parse(outer), Ipv4Cidr::parse(inner)),
        (Some(outer), Some(inner)) if outer.covers(&inner)
    )
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn coverage() {
        for (outer, inner, expected) in [
            ("10.0.0.0/16", "10.0.1.0/24", true),
            ("10.0.1.0/24", "10.0.1.0/24", true),
            ("0.0.0.0/0", "10.0.1.0/24", true),
            ("10.0.1.0/24", "10.0.0.0/16", false),
            ("10.0.2.0/24", "10.0.1.0/24", false),
            ("10.1.0.0/16", "10.0.1.0/24", false),
            ("10.0.1.7/24", "10.0.1.0/24", true),
            ("10.0.1.0/25", "10.0.1.128/25", false),
            ("10.0.1.0/33", "10.0.1.0/24", false),
            ("::/0", "10.0.1.0/24", false),
            ("nonsense", "10.0.1.0/24", false),
        ] {
            assert_eq!(covers(outer, inner), expected, "{outer} covers {inner}");
        }
    }
}
