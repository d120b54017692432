"""Local groups (町会・自治会, NPO, 学校, 福祉, 防災, サークル), their admins, activities, activity
places and the joint projects (協働事業) they take part in."""
