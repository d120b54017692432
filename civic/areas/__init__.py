"""Areas as places residents return to: 地域カルテ (facts by year), 地域ビジョン and comparison."""
