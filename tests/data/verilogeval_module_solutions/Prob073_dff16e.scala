import chisel3._
import chisel3.util._

// 16 D flip-flops with byte enables and an active-low synchronous reset (`resetn`): the harness drives
// the implicit (active-high) reset with ~resetn.
class TopModule extends Module {
  val io = IO(new Bundle {
    val byteena = Input(UInt(2.W))
    val d       = Input(UInt(16.W))
    val q       = Output(UInt(16.W))
  })
  val hi = RegInit(0.U(8.W))
  val lo = RegInit(0.U(8.W))
  when(io.byteena(1)) { hi := io.d(15, 8) }
  when(io.byteena(0)) { lo := io.d(7, 0) }
  io.q := Cat(hi, lo)
}
