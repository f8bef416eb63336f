import chisel3._
import chisel3.util._

// A loadable down-counter (no reset): tc is high while the count is 0.
class TopModule extends Module {
  val io = IO(new Bundle {
    val load = Input(Bool())
    val data = Input(UInt(10.W))
    val tc   = Output(Bool())
  })
  val count = Reg(UInt(10.W))
  when(io.load) {
    count := io.data
  }.elsewhen(count =/= 0.U) {
    count := count - 1.U
  }
  io.tc := count === 0.U
}
