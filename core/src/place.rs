//! Coarse places for the provenance scan signals: where a person who
//! scanned a label chose to say they are, and how far apart two places are.
//!
//! A scan never records a precise position. The public page offers the
//! province's districts ([`DISTRICT_CENTRES`]), and a shared district is
//! kept as its centre: nothing finer than the district is ever stored.
//! Distances are great-circle distances on a sphere of the Earth's mean
//! radius ([`Place::km_to`]): for tens of kilometres the error is far
//! below what the signals care about.

/// A latitude and longitude in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub latitude: f64,
    pub longitude: f64,
}

/// The Earth's mean radius (IUGG), in kilometres.
const EARTH_KM: f64 = 6371.0088;

impl Place {
    /// A place, if the numbers are coordinates (latitude −90…90,
    /// longitude −180…180, finite).
    pub fn new(latitude: f64, longitude: f64) -> Option<Place> {
        ((-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude)).then_some(
            Place {
                latitude,
                longitude,
            },
        )
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn km_to(self, other: Place) -> f64 {
        let (la1, la2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dla = la2 - la1;
        let dlo = (other.longitude - self.longitude).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
    }
}

/// The centres (the seat of each district's People's Committee) of Lào
/// Cai's districts, by the codes of the `districts` reference table.
pub const DISTRICT_CENTRES: [(&str, f64, f64); 9] = [
    ("lao-cai", 22.4856, 103.9707),      // TP Lào Cai
    ("sa-pa", 22.3364, 103.8438),        // thị xã Sa Pa
    ("bat-xat", 22.5386, 103.8886),      // thị trấn Bát Xát
    ("muong-khuong", 22.7686, 104.1150), // thị trấn Mường Khương
    ("si-ma-cai", 22.6958, 104.2836),    // Si Ma Cai
    ("bac-ha", 22.5392, 104.2908),       // thị trấn Bắc Hà
    ("bao-thang", 22.3186, 104.1906),    // thị trấn Phố Lu
    ("bao-yen", 22.2394, 104.4567),      // thị trấn Phố Ràng
    ("van-ban", 22.0639, 104.2381),      // thị trấn Khánh Yên
];

/// The centre of a district by its code.
pub fn district_centre(code: &str) -> Option<Place> {
    DISTRICT_CENTRES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|&(_, latitude, longitude)| Place {
            latitude,
            longitude,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_between_known_places() {
        let lao_cai = district_centre("lao-cai").unwrap();
        let sa_pa = district_centre("sa-pa").unwrap();
        // TP Lào Cai – Sa Pa: about 21 km as the crow flies.
        let d = lao_cai.km_to(sa_pa);
        assert!((18.0..25.0).contains(&d), "{d}");
        // Hà Nội (Hoàn Kiếm) – TP Lào Cai: about 245 km.
        let ha_noi = Place::new(21.0285, 105.8542).unwrap();
        let d = ha_noi.km_to(lao_cai);
        assert!((235.0..255.0).contains(&d), "{d}");
        assert_eq!(sa_pa.km_to(sa_pa), 0.0);
        assert!(district_centre("ha-noi").is_none());
    }

    #[test]
    fn bad_numbers_are_not_places() {
        assert!(Place::new(91.0, 0.0).is_none());
        assert!(Place::new(0.0, f64::NAN).is_none());
        assert_eq!(DISTRICT_CENTRES.len(), 9);
    }
}
