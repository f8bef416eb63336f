import chisel3._
import chisel3.util._

class DecadeCounter extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool());
    val count = Output(UInt(4.W));
    val carry = Output(Bool())
  })

  val count = RegInit(0.U(4.W))
  val last  = count === 9.U
  when(io.en) { count := Mux(last, 0.U, count + 1.U) }
  io.count := count
  io.carry  := io.en && last
}
