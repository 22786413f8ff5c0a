//! AWS region names: the regions AWS lists, and the naming pattern that lets a region newer than
//! this list through while catching a typo.
//!
//! The list and the partition patterns are those of the AWS SDK's partition table
//! (`partitions.json`, as built into aws-sdk-rust's endpoint resolvers): the SDK itself accepts
//! any name that matches a partition's `regionRegex`, which is how a region opened after an SDK
//! release works without one. That pattern alone (`^(us|eu|ap|…)-\w+-\d+$`) would let `eu-wset-1`
//! through, so a name not in the list must also use one of the compass words every AWS region
//! name is made of (`eu-west-1`, `ap-southeast-7`, `mx-central-1`).

/// Every region of every partition, as listed by the SDK's partition table.
pub const REGIONS: &[&str] = &[
    // aws
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    // aws-cn
    "cn-north-1",
    "cn-northwest-1",
    // aws-eusc
    "eusc-de-east-1",
    // aws-iso, aws-iso-b, aws-iso-e, aws-iso-f
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "eu-isoe-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    // aws-us-gov
    "us-gov-east-1",
    "us-gov-west-1",
];

/// Each partition's `regionRegex`, as (partition, the part before `-\w+-\d+`).
const PARTITIONS: &[(&str, &[&str])] = &[
    (
        "aws",
        &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    ),
    ("aws-cn", &["cn"]),
    ("aws-eusc", &["eusc-de"]),
    ("aws-iso", &["us-iso"]),
    ("aws-iso-b", &["us-isob"]),
    ("aws-iso-e", &["eu-isoe"]),
    ("aws-iso-f", &["us-isof"]),
    ("aws-us-gov", &["us-gov"]),
];

/// The words between a region's prefix and its number.
const COMPASS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

/// How a region name was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionName {
    /// One of [`REGIONS`].
    Listed,
    /// Not listed, but named as the regions of `partition` are: a region newer than this list.
    Newer {
        /// The partition whose pattern it matches, e.g. `aws`.
        partition: &'static str,
    },
}

/// The partition whose `regionRegex` matches `name`, and the word between prefix and number.
fn partition_of(name: &str) -> Option<(&'static str, &str)> {
    PARTITIONS.iter().find_map(|(partition, prefixes)| {
        prefixes.iter().find_map(|prefix| {
            let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
            let (word, number) = rest.split_once('-')?;
            let word_ok =
                !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            let number_ok = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
            (word_ok && number_ok).then_some((*partition, word))
        })
    })
}

/// The listed region closest to `name` (case aside), if it is a likely typo of it.
fn nearest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    crate::domain::spelling::nearest(&lower, REGIONS.iter().copied())
}

/// Checks a region name; the error is the message to show (without the name of the setting).
pub fn check(name: &str) -> Result<RegionName, String> {
    if REGIONS.contains(&name) {
        return Ok(RegionName::Listed);
    }
    let suggestion = nearest(name).map_or(String::new(), |r| format!("; did you mean `{r}`?"));
    match partition_of(name) {
        Some((partition, word)) if COMPASS.contains(&word) => Ok(RegionName::Newer { partition }),
        Some(_) => Err(format!(
            "unknown AWS region `{name}`{suggestion} (not one of the {} regions shipdeck knows, \
             nor named like one: a region name is a prefix, a compass word and a number, \
             such as eu-west-1)",
            REGIONS.len()
        )),
        None => Err(format!(
            "expected an AWS region code such as eu-west-1 or us-east-1, found `{name}`{suggestion}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_newer_and_refused_names() {
        for r in REGIONS {
            assert_eq!(check(r), Ok(RegionName::Listed), "{r}");
            assert!(
                partition_of(r).is_some(),
                "{r} matches its partition's pattern"
            );
        }
        assert_eq!(
            check("eu-west-9"),
            Ok(RegionName::Newer { partition: "aws" })
        );
        assert_eq!(
            check("us-gov-central-1"),
            Ok(RegionName::Newer {
                partition: "aws-us-gov"
            })
        );
        let typo = check("eu-wset-1").unwrap_err();
        assert!(typo.starts_with("unknown AWS region `eu-wset-1`; did you mean `eu-west-1`?"));
        let shape = check("EU-WEST-1").unwrap_err();
        assert_eq!(
            shape,
            "expected an AWS region code such as eu-west-1 or us-east-1, found `EU-WEST-1`; \
             did you mean `eu-west-1`?"
        );
        assert!(check("xx-west-1").is_err(), "no partition uses xx");
        assert!(check("eu-west-1a").is_err());
        assert!(check("").is_err());
    }
}
