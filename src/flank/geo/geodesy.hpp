#pragma once
// Distances on the WGS84 ellipsoid (GeographicLib, Karney 2013), used for link lengths.
namespace flank::geo {

// Geodesic (shortest ellipsoidal) distance in km between two points given in degrees.
double geodesic_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace flank::geo
