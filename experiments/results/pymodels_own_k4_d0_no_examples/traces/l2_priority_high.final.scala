import chisel3._
import chisel3.util._

class PriorityHigh8 extends Module {
  val io = IO(new Bundle {
    val req = Input(UInt(8.W));
    val idx = Output(UInt(3.W));
    val valid = Output(Bool())
  })

  val priority = PriorityEncoder(io.req)
  io.idx := priority
  io.valid := priority > 0.U
}
