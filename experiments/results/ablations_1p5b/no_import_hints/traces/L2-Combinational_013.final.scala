import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(9.W))
  })
  val carry = RegInit(false.B)
  val sumBits = io.a.asUInt + io.b.asUInt + carry

  when(sumBits(8)) { carry := true.B }
  when(sumBits(7)) { carry := carry || (sumBits(8).asUInt | carry) }
  when(sumBits(6)) { carry := carry || (sumBits(7).asUInt | carry) }
  when(sumBits(5)) { carry := carry || (sumBits(6).asUInt | carry) }
  when(sumBits(4)) { carry := carry || (sumBits(5).asUInt | carry) }
  when(sumBits(3)) { carry := carry || (sumBits(4).asUInt | carry) }
  when(sumBits(2)) { carry := carry || (sumBits(3).asUInt | carry) }
  when(sumBits(1)) { carry := carry || (sumBits(2).asUInt | carry) }
  when(sumBits(0)) { carry := carry || (sumBits(1).asUInt | carry) }

  sum := Cat(sumBits.take(8), carry)

  io.sum := sum
}
