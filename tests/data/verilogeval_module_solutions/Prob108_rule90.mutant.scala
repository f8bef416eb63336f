import chisel3._
import chisel3.util._

// Rule 90 on 512 cells (zero boundaries), loadable, no reset.
class TopModule extends Module {
  val io = IO(new Bundle {
    val load = Input(Bool())
    val data = Input(UInt(512.W))
    val q    = Output(UInt(512.W))
  })
  val q = Reg(UInt(512.W))
  when(io.load) {
    q := io.data
  }.otherwise {
    q := (q >> 1) | (q << 1)(511, 0)
  }
  io.q := q
}
