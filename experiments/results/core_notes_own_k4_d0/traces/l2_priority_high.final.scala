import chisel3._
import chisel3.util._

class PriorityHigh8 extends Module {
  val io = IO(new Bundle {
    val req = Input(UInt(8.W))
    val idx = Output(UInt(3.W))
    val valid = Output(Bool())
  })

  // PriorityEncoder of 0 is the top index (7): the spec wants 0 then
  io.idx := Mux(io.req.orR, PriorityEncoder(io.req), 0.U)
  io.valid := io.req.orR
}
