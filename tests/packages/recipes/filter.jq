# jq under Husk: a report over an order book (input.json, made by the test).
def money: . * 100 | round / 100;
.orders as $o
| {
    orders: ($o | length),
    customers: ($o | map(.customer) | unique | length),
    revenue: ($o | map(.items[] | .price * .qty) | add | money),
    by_status: ($o | group_by(.status) | map({key: .[0].status, value: length}) | from_entries),
    top_customers: ($o | group_by(.customer)
        | map({customer: .[0].customer, spent: (map(.items[] | .price * .qty) | add | money)})
        | sort_by(-.spent, .customer) | .[:5]),
    skus: ([$o[].items[].sku] | unique | length),
    largest: ($o | max_by(.items | length) | {id, n: (.items | length)}),
    tags: ([$o[] | .tags[]?] | group_by(.) | map("\(.[0]):\(length)") | join(",")),
    late: [$o[] | select(.status == "late" and (.items | length) > 3) | .id] | length,
    paths: ($o[0] | [paths | map(tostring) | join(".")] | length),
    text: ($o | map(.note | ascii_upcase | test("FRAGILE")) | map(select(.)) | length),
    base64: ("Husk runs jq" | @base64)
  }
