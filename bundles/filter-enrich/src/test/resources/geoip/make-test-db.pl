# Writes the small MaxMind DB that GeoIpFilterTest reads (perl make-test-db.pl OUT.mmdb), with the
# writer of Debian's libmaxmind-db-writer-perl. Addresses from the documentation ranges only.
use strict; use warnings;
use MaxMind::DB::Writer::Tree;
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 24, database_type => 'Sluice-Test-City',
    # the documentation ranges used here are reserved: keep them
    remove_reserved_networks => 0,
    languages => ['en'], description => { en => 'Sluice test database' },
    map_key_type_callback => sub {
        my $k = shift;
        return { city => 'map', country => 'map', location => 'map', names => 'map', iso_code => 'utf8_string',
                 en => 'utf8_string', latitude => 'double', longitude => 'double', time_zone => 'utf8_string',
                 autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string' }->{$k};
    },
);
$tree->insert_network('192.0.2.0/24', { country => { iso_code => 'FR', names => { en => 'France' } },
    city => { names => { en => 'Lyon' } }, location => { latitude => 45.75, longitude => 4.85, time_zone => 'Europe/Paris' },
    autonomous_system_number => 64500, autonomous_system_organization => 'Example Transit' });
$tree->insert_network('2001:db8:1::/48', { country => { iso_code => 'JP', names => { en => 'Japan' } },
    location => { latitude => 35.69, longitude => 139.69, time_zone => 'Asia/Tokyo' } });
open my $fh, '>:raw', $ARGV[0] or die; $tree->write_tree($fh); close $fh;
