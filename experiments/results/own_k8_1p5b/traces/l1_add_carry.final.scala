import chisel3._

class AddCarry8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val cin = Input(Bool())
    val sum = Output(UInt(8.W))
    val cout = Output(Bool())
  })
  val a_b_sum = io.a + io.b + io.cin
  io.sum := a_b_sum
  io.cout := a_b_sum(7)
}
