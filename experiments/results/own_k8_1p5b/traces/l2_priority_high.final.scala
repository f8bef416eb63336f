import chisel3._
import chisel3.util._

class PriorityHigh8 extends Module {
  val io = IO(new Bundle {
    val req = Input(UInt(8.W));
    val idx = Output(UInt(3.W));
    val valid = Output(Bool())
  })

  val bits = Wire(UInt(8.W))
  bits(0) := io.req(0)
  bits(1) := io.req(1)
  bits(2) := io.req(2)
  bits(3) := io.req(3)
  bits(4) := io.req(4)
  bits(5) := io.req(5)
  bits(6) := io.req(6)
  bits(7) := io.req(7)

  val idx = RegInit(0.U(3.W))
  when(bits(0) || bits(1) || bits(2) || bits(3) || bits(4) || bits(5) || bits(6) || bits(7)) {
    idx := PriorityEncoder(bits)
  }

  io.idx := idx
  io.valid := io.req
}
