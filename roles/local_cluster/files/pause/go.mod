module techcommerce.local/pause

go 1.22
