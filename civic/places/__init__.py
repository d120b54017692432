"""地域資源マップ: places of the ward (meeting rooms, parks, shops that help, activity sites, funded
projects) with a point, shown on a map, in a list that needs no JavaScript, and as GeoJSON."""
