"""Storage fees (超期保管费): the rule table and its arithmetic, the fee due, payments and waivers."""
